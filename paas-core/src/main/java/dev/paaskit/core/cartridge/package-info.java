/**
 * What the REST API and node agents need of cartridges that live in other modules: the
 * {@link dev.paaskit.core.cartridge.CartridgeCatalog} an operator lists, adds to and removes
 * from, and the {@link dev.paaskit.core.cartridge.GearSetup} a node asks to turn an unpacked
 * droplet into a running cartridge gear. paas-cartridges implements both for OpenShift-format
 * cartridges; this package holds only JDK and paas-api types.
 */
package dev.paaskit.core.cartridge;
