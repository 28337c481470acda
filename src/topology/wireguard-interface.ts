// The tunnel interface on the WireGuard guest: its config file is named after it and the firewall
// matches traffic from it, so both read it here.
export const WG_INTERFACE = "wg0";
