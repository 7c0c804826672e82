import {deleteAttributeCommand} from '../../cluster/attribute-commands.js'

export default deleteAttributeCommand('cluster-resource-attribute', ['cluster-resource-attributes'])
