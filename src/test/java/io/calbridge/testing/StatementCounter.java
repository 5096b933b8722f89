package io.calbridge.testing;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;

/**
 * Records every SQL statement calbridge prepares (JPA's and JdbcClient's alike) with the thread that prepared it, by
 * wrapping the application's DataSource. Pass it as a source of the application to count what a request costs. Not a
 * {@code @Configuration}: component scanning must not find it (every test context and benchmark would count, and keep,
 * every statement).
 */
public class StatementCounter {

    private static final List<Statement> statements = new ArrayList<>();

    /** One statement: its SQL ({@code createStatement} has none until executed) and the thread that prepared it. */
    public record Statement(String thread, String sql) {
    }

    @Bean
    static BeanPostProcessor countingDataSource() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                return bean instanceof DataSource dataSource ? counting(dataSource) : bean;
            }
        };
    }

    /** The statements prepared since the last call, by threads {@code thread} accepts; forgets them all. */
    public static synchronized List<Statement> drain(Predicate<String> thread) {
        List<Statement> taken = statements.stream().filter(s -> thread.test(s.thread())).toList();
        statements.clear();
        return taken;
    }

    private static synchronized void record(String sql) {
        statements.add(new Statement(Thread.currentThread().getName(), sql));
    }

    private static DataSource counting(DataSource target) {
        return proxy(DataSource.class, target, (method, arguments, result) -> result instanceof Connection connection
                ? proxy(Connection.class, connection, StatementCounter::recordPrepared) : result);
    }

    private static Object recordPrepared(Method method, Object[] arguments, Object result) {
        if (method.getName().startsWith("prepare")) {
            record((String) arguments[0]);
        } else if (method.getName().equals("createStatement")) {
            record("(a plain statement)");
        }
        return result;
    }

    private interface AfterCall {
        Object after(Method method, Object[] arguments, Object result);
    }

    /** A proxy of {@code type} that calls through to {@code target} and hands each call's result to {@code after}. */
    private static <T> T proxy(Class<T> type, T target, AfterCall after) {
        InvocationHandler handler = (self, method, arguments) -> {
            try {
                return after.after(method, arguments, method.invoke(target, arguments));
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
    }
}
