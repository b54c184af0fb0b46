/** pk12util's usage text, byte for byte as NSS 3.87 prints it (stderr, exit 2; reference §3.1). */
export const USAGE =
  'Usage:\t pk12util -i importfile [-d certdir] [-P dbprefix] [-h tokenname]\n' +
  '\t\t [-k slotpwfile | -K slotpw] [-w p12filepwfile | -W p12filepw]\n' +
  '\t\t [-v]\n' +
  'Usage:\t pk12util -l listfile [-d certdir] [-P dbprefix] [-h tokenname]\n' +
  '\t\t [-k slotpwfile | -K slotpw] [-w p12filepwfile | -W p12filepw]\n' +
  '\t\t [-v]\n' +
  'Usage:\t pk12util -o exportfile -n certname [-d certdir] [-P dbprefix]\n' +
  '\t\t [-c key_cipher] [-C cert_cipher] [-M mac_alg]\n' +
  '\t\t [-m | --key_len keyLen] [--cert_key_len certKeyLen] [-v]\n' +
  '\t\t [-k slotpwfile | -K slotpw]\n' +
  '\t\t [-w p12filepwfile | -W p12filepw]\n'

export const EXIT_USAGE = 2
