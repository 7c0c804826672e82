import {updateAttributeCommand} from '../../cluster/attribute-commands.js'

export default updateAttributeCommand('workflow-execution-config', [])
