package io.calbridge.platform;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread that runs a pass over due work (claim, handle, until nothing is due) whenever woken, and at least every
 * poll interval once started. Wake-ups while a pass runs collapse into one more pass, so a burst of them costs one.
 */
public final class DrainLoop implements AutoCloseable {

    /** A pass over what is due now. */
    public interface Pass {
        void run() throws InterruptedException;
    }

    private static final Logger log = LoggerFactory.getLogger(DrainLoop.class);

    private final String name;
    private final Pass pass;
    private final ExecutorService loop;
    private final ScheduledExecutorService timer;
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();

    public DrainLoop(String name, Pass pass) {
        this.name = name;
        this.pass = pass;
        this.loop = Executors.newSingleThreadExecutor(daemon(name));
        this.timer = Executors.newSingleThreadScheduledExecutor(daemon(name + "-poll"));
    }

    /** Passes every {@code interval} from now on, the first after {@code firstAfter}. */
    public void poll(Duration firstAfter, Duration interval) {
        timer.scheduleWithFixedDelay(this::wake, firstAfter.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Run a pass soon. */
    public void wake() {
        again.set(true);
        if (draining.compareAndSet(false, true)) {
            try {
                loop.submit(this::passWhileAsked);
            } catch (RejectedExecutionException stopping) {
                draining.set(false);
            }
        }
    }

    private void passWhileAsked() {
        try {
            while (again.getAndSet(false)) {
                pass.run();
            }
        } catch (RuntimeException e) {
            log.error("{}: a pass failed; trying again at the next poll", name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            draining.set(false);
            if (again.get()) {
                wake();
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        loop.shutdownNow();
    }

    public static ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
