import {deleteAttributeCommand} from '../../cluster/attribute-commands.js'

export default deleteAttributeCommand('workflow-execution-config', [])
