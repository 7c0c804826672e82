import {getAttributeCommand} from '../../cluster/attribute-commands.js'

export default getAttributeCommand('cluster-resource-attribute', ['cluster-resource-attributes'])
