package io.calbridge.emulator.microsoft;

import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** Call counters and injected faults, keyed by operation name ("events.delta", "token.refresh", ...); "*" is any. */
final class Faults {

    static final String ANY = "*";

    /** account: a user principal name (lower case) whose Graph calls alone the rule hits, or null for anyone's. */
    private record Rule(String operation, String account, Fault fault, AtomicInteger remaining, int percent) {
        boolean matches(String name, String caller) {
            return (operation.equals(ANY) || operation.equals(name)) && (account == null || account.equalsIgnoreCase(caller));
        }
    }

    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<Rule> rules = new CopyOnWriteArrayList<>();
    private final Random random = new Random(20261202L);

    void count(String operation) {
        calls.computeIfAbsent(operation, m -> new AtomicInteger()).incrementAndGet();
    }

    int calls(String operation) {
        AtomicInteger count = calls.get(operation);
        return count == null ? 0 : count.get();
    }

    Map<String, Integer> snapshot() {
        Map<String, Integer> result = new TreeMap<>();
        calls.forEach((operation, count) -> result.put(operation, count.get()));
        return result;
    }

    void resetCounts() {
        calls.clear();
    }

    void failNext(String operation, int times, Fault fault) {
        failNext(null, operation, times, fault);
    }

    void failNext(String account, String operation, int times, Fault fault) {
        if (times < 1) {
            throw new IllegalArgumentException("times must be positive");
        }
        rules.add(new Rule(operation, account, fault, new AtomicInteger(times), 100));
    }

    void failRandomly(String operation, int percent, Fault fault) {
        if (percent < 1 || percent > 100) {
            throw new IllegalArgumentException("percent must be within 1..100");
        }
        rules.add(new Rule(operation, null, fault, null, percent));
    }

    void clear() {
        rules.clear();
    }

    Fault next(String operation, String account) {
        for (Rule rule : rules) {
            if (rule.remaining() != null && rule.matches(operation, account)) {
                int left = rule.remaining().getAndDecrement();
                if (left > 0) {
                    if (left == 1) {
                        rules.remove(rule);
                    }
                    return rule.fault();
                }
            }
        }
        for (Rule rule : rules) {
            if (rule.remaining() == null && rule.matches(operation, account)) {
                int roll;
                synchronized (random) {
                    roll = random.nextInt(100);
                }
                if (roll < rule.percent()) {
                    return rule.fault();
                }
            }
        }
        return null;
    }

    /** Counts the call, then answers its fault if one is due (a slow fault waits and lets the call go on). */
    void apply(String operation, boolean identityEndpoint) {
        count(operation);
        Fault late = inject(operation, identityEndpoint, null);
        if (late != null) {
            throw new IllegalStateException("a fault after applying is for Graph writes only, not " + operation);
        }
    }

    /**
     * Answers the operation's fault if one is due (for the calling account, null if unknown), without counting the
     * call; a fault to answer after the operation was carried out ({@link Fault#applied()}) is returned instead, for
     * {@link #answerAfterApplying}.
     */
    Fault inject(String operation, boolean identityEndpoint, String account) {
        Fault fault = next(operation, account);
        if (fault == null) {
            return null;
        }
        if (fault.applied()) {
            return fault;
        }
        if (!fault.delay().isZero()) {
            try {
                Thread.sleep(fault.delay().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (fault.status() != 0) {
            throw fault.toException(identityEndpoint);
        }
        return null;
    }

    /** The lost reply of an operation already carried out: its fault's answer, or a dropped connection. */
    static RuntimeException answerAfterApplying(Fault fault) {
        return fault.status() == Fault.DROPPED ? new HttpFront.DropConnection() : fault.toException(false);
    }
}
