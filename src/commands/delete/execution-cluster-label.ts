import {deleteAttributeCommand} from '../../cluster/attribute-commands.js'

export default deleteAttributeCommand('execution-cluster-label', ['execution-cluster-labels'])
