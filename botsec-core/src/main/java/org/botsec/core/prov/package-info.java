/** Provenance: what a trained model records about how it was made, shown by {@code botsec models info}. */
package org.botsec.core.prov;
