import {updateAttributeCommand} from '../../cluster/attribute-commands.js'

export default updateAttributeCommand('task-resource-attribute', ['task-resource-attributes'])
