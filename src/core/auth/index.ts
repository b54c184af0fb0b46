export {hashPassword, verifyPassword} from './password_hash.js'
export {addUser, checkUserName, deleteUser, findUser, listUsers, passwordHashOf, setUserPassword, type MailUser} from './embedded_users.js'
