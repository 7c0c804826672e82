import {getAttributeCommand} from '../../cluster/attribute-commands.js'

export default getAttributeCommand('execution-queue-attribute', ['execution-queue-attributes'])
