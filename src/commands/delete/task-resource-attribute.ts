import {deleteAttributeCommand} from '../../cluster/attribute-commands.js'

export default deleteAttributeCommand('task-resource-attribute', ['task-resource-attributes'])
