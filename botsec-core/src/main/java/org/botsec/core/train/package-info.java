/** Training: optimisers, losses, the minibatch trainer and its progress reporting. */
package org.botsec.core.train;
