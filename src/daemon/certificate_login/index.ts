export {CertificateMapper, CertmapUnsupported, type CertmapSearch} from './certificate_mapper.js'
export {EmbeddedCertmapSearch} from './embedded_certmap_search.js'
export {DEFAULT_CERTMAP, loadCertmap} from './load_certmap.js'
export {withCertificateLogin} from './login_directory.js'
