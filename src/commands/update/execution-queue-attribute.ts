import {updateAttributeCommand} from '../../cluster/attribute-commands.js'

export default updateAttributeCommand('execution-queue-attribute', ['execution-queue-attributes'])
