package org.botsec.remote;

import org.botsec.core.ThresholdException;

/**
 * A remote model's query budget would be exceeded: the request was not sent. The CLI exits with 3 (a budget
 * stopped the work), as for other budgets.
 */
public final class QueryBudgetExceededException extends ThresholdException {
    private static final long serialVersionUID = 1L;

    public QueryBudgetExceededException(String message) {
        super(message);
    }
}
