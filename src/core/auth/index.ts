export {hashPassword, verifyPassword} from './password_hash.js'
export {addScramKeys, addUser, checkUserName, deleteUser, findUser, findUserByMail, listUsers, passwordHashOf, scramKeysOf, setUserPassword, type MailUser} from './embedded_users.js'
