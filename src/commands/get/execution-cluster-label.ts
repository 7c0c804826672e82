import {getAttributeCommand} from '../../cluster/attribute-commands.js'

export default getAttributeCommand('execution-cluster-label', ['execution-cluster-labels'])
