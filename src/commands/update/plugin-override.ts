import {updateAttributeCommand} from '../../cluster/attribute-commands.js'

export default updateAttributeCommand('plugin-override', ['plugin-overrides'])
