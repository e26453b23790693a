package org.botsec.guard.internal;

import java.util.List;
import java.util.Optional;

/**
 * Payment card networks by issuer identification number (IIN, the leading digits) and card length.
 *
 * <p>The structure of a card number — major industry identifier, IIN, account number, Luhn check digit — is
 * ISO/IEC 7812-1:2017; the ranges below are the ones each network publishes for acquirers (Visa Core Rules,
 * Mastercard "Bank Identification Number ranges" including the 2-series 222100–272099 announced in 2014,
 * American Express, Discover Global Network "IIN ranges" (which also routes Diners Club International 36,
 * 38–39, 300–305, 3095 and China UnionPay 622126–622925, 624–626, 6282–6288), JCB "3528–3589" plus the
 * legacy 15-digit JCB/IIN 1800 and 2131, China UnionPay 62 and 81, Mir (NSPK) 2200–2204, RuPay (NPCI) 60,
 * 65, 81, 82, 508, 353, 356, Maestro 50, 56–58, 6304, 639, 67 and the historical 0604 range, Troy 9792,
 * Verve 506099–506198 and 650002–650027, UATP 1, Dankort 5019, InterPayment 636), cross-checked against
 * the IIN table in the Wikipedia article "Payment card number" (2024). Ranges of different networks overlap
 * (RuPay 65 and Discover 65, UnionPay 81 and RuPay 81): the first listed network wins, which only changes
 * the name in the evidence, never whether the number is found.
 */
public final class CardNetworks {
    private CardNetworks() {
    }

    /** One IIN range: numbers whose first {@code digits} digits lie in {@code [low, high]}, of one of {@code lengths}. */
    record Range(String network, int digits, int low, int high, int minLength, int maxLength) {
    }

    private static Range r(String network, int low, int high, int minLength, int maxLength) {
        int digits = Integer.toString(low).length();
        return new Range(network, digits, low, high, minLength, maxLength);
    }

    /** Longer (more specific) prefixes first so that, e.g., Mir 2200 is not read as Mastercard 2-series. */
    static final List<Range> RANGES = List.of(
            r("verve", 506099, 506198, 16, 19),
            r("verve", 650002, 650027, 16, 19),
            r("discover", 622126, 622925, 16, 19),
            r("mastercard", 222100, 272099, 16, 16),
            r("mir", 2200, 2204, 16, 19),
            r("jcb", 3528, 3589, 16, 19),
            r("jcb", 1800, 1800, 15, 15),
            r("jcb", 2131, 2131, 15, 15),
            r("diners", 3095, 3095, 14, 19),
            r("discover", 6011, 6011, 16, 19),
            r("maestro", 6304, 6304, 12, 19),
            r("maestro", 5018, 5018, 12, 19),
            r("maestro", 5020, 5020, 12, 19),
            r("maestro", 5038, 5038, 12, 19),
            r("maestro", 6759, 6759, 12, 19),
            r("maestro", 6761, 6763, 12, 19),
            new Range("maestro", 4, 604, 604, 12, 19), // written 0604: a leading zero the int prefix cannot show
            r("dankort", 5019, 5019, 16, 16),
            r("troy", 9792, 9792, 16, 16),
            r("unionpay", 6282, 6288, 16, 19),
            r("diners", 300, 305, 14, 19),
            r("discover", 644, 649, 16, 19),
            r("unionpay", 624, 626, 16, 19),
            r("interpayment", 636, 636, 16, 19),
            r("maestro", 639, 639, 12, 19),
            r("rupay", 508, 508, 16, 16),
            r("rupay", 353, 353, 16, 16),
            r("rupay", 356, 356, 16, 16),
            r("visa", 4, 4, 13, 13),
            r("visa", 4, 4, 16, 16),
            r("visa", 4, 4, 19, 19),
            r("amex", 34, 34, 15, 15),
            r("amex", 37, 37, 15, 15),
            r("mastercard", 51, 55, 16, 16),
            r("diners", 36, 36, 14, 19),
            r("diners", 38, 39, 14, 19),
            r("discover", 65, 65, 16, 19),
            r("unionpay", 62, 62, 16, 19),
            r("unionpay", 81, 81, 16, 19),
            r("rupay", 60, 60, 16, 16),
            r("rupay", 82, 82, 16, 16),
            r("maestro", 50, 50, 12, 19),
            r("maestro", 56, 58, 12, 19),
            r("maestro", 67, 67, 12, 19),
            r("uatp", 1, 1, 15, 15));

    /**
     * The network whose IIN range and length fit {@code digits} (ASCII digits only), if any. The Luhn check
     * is separate ({@link Checksums#luhn}).
     */
    public static Optional<String> network(String digits) {
        int n = digits.length();
        if (n < 12 || n > 19) {
            return Optional.empty();
        }
        for (Range range : RANGES) {
            if (n < range.minLength() || n > range.maxLength()) {
                continue;
            }
            int prefix = Integer.parseInt(digits.substring(0, range.digits()));
            if (prefix >= range.low() && prefix <= range.high()) {
                return Optional.of(range.network());
            }
        }
        return Optional.empty();
    }
}
