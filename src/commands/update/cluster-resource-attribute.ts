import {updateAttributeCommand} from '../../cluster/attribute-commands.js'

export default updateAttributeCommand('cluster-resource-attribute', ['cluster-resource-attributes'])
