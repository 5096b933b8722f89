package io.calbridge.emulator.google;

import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Call counters and injected faults, both keyed by Google's method name ("events.list", "token.refresh", ...).
 * The name {@link #ANY} matches every method.
 */
final class Faults {

    static final String ANY = "*";

    /** remaining == null: a percentage rule that never runs out. */
    private record Rule(String method, Fault fault, AtomicInteger remaining, int percent) {
        boolean matches(String name) {
            return method.equals(ANY) || method.equals(name);
        }
    }

    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<Rule> rules = new CopyOnWriteArrayList<>();
    // seeded so that a percentage storm is the same on every run
    private final Random random = new Random(20260708L);

    void count(String method) {
        calls.computeIfAbsent(method, m -> new AtomicInteger()).incrementAndGet();
    }

    int calls(String method) {
        AtomicInteger count = calls.get(method);
        return count == null ? 0 : count.get();
    }

    Map<String, Integer> snapshot() {
        Map<String, Integer> result = new TreeMap<>();
        calls.forEach((method, count) -> result.put(method, count.get()));
        return result;
    }

    void resetCounts() {
        calls.clear();
    }

    void failNext(String method, int times, Fault fault) {
        if (times < 1) {
            throw new IllegalArgumentException("times must be positive");
        }
        rules.add(new Rule(method, fault, new AtomicInteger(times), 100));
    }

    void failRandomly(String method, int percent, Fault fault) {
        if (percent < 1 || percent > 100) {
            throw new IllegalArgumentException("percent must be within 1..100");
        }
        rules.add(new Rule(method, fault, null, percent));
    }

    void clear() {
        rules.clear();
    }

    /** The fault this call of the method gets, or null. Counted rules are used up first, in the order given. */
    Fault next(String method) {
        for (Rule rule : rules) {
            if (rule.remaining() != null && rule.matches(method)) {
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
            if (rule.remaining() == null && rule.matches(method)) {
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
}
