export {hashPassword, verifyPassword} from './password_hash.js'
export {ADMIN_ROLE, addScramKeys, addUser, checkUserName, deleteUser, findUser, findUserByMail, isStoreAdministrator, listUsers, passwordHashOf, scramKeysOf, setStoreAdministrator, setUserPassword, type MailUser} from './embedded_users.js'
