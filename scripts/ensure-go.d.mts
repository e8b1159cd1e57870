/** Path of the go binary the C2SP follower test runs. */
export const GO_BIN: string
/** GOPATH of Debian's Go libraries (golang.org/x/mod lives under it). */
export const GOPATH: string
/** The apt command that installs what the follower test needs. */
export const GO_INSTALL_HINT: string
/** True when Go and x/mod's sumdb packages are installed. */
export function hasGo(): boolean
/** Installs them with apt when root; false (and a message) when they are missing otherwise. */
export function ensureGo(): boolean
