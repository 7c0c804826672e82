import {getAttributeCommand} from '../../cluster/attribute-commands.js'

export default getAttributeCommand('workflow-execution-config', [])
