import {getAttributeCommand} from '../../cluster/attribute-commands.js'

export default getAttributeCommand('plugin-override', ['plugin-overrides'])
