/** Implementation details of {@link org.botsec.federated}: local client training, server optimisers, sampling. */
package org.botsec.federated.internal;
