import {updateMetaCommand} from '../../cluster/meta-command.js'

export default updateMetaCommand('task-meta')
