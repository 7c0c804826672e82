import {updateAttributeCommand} from '../../cluster/attribute-commands.js'

export default updateAttributeCommand('execution-cluster-label', ['execution-cluster-labels'])
