/** The {@code botsec attack} commands: parse flags, call {@code org.botsec.attack}, render the {@code AttackReport}. */
package org.botsec.cli.attack;
