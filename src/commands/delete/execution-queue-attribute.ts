import {deleteAttributeCommand} from '../../cluster/attribute-commands.js'

export default deleteAttributeCommand('execution-queue-attribute', ['execution-queue-attributes'])
