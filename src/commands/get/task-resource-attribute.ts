import {getAttributeCommand} from '../../cluster/attribute-commands.js'

export default getAttributeCommand('task-resource-attribute', ['task-resource-attributes'])
