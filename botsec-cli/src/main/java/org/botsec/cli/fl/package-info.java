/** {@code botsec fl}: federated learning commands (in-process simulation). */
package org.botsec.cli.fl;
