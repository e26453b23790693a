/**
 * Implementation details of provenance: the mapping between {@link org.botsec.core.prov.Provenance} and the JSON
 * stored in model files. Shared by every model type so that all of them record provenance the same way; not API.
 */
package org.botsec.core.prov.internal;
