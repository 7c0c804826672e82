import {deleteAttributeCommand} from '../../cluster/attribute-commands.js'

export default deleteAttributeCommand('plugin-override', ['plugin-overrides'])
