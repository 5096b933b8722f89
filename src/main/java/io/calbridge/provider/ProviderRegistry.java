package io.calbridge.provider;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * All provider adapters of this instance, by id. Each is handed out behind a thin proxy that counts its calls by
 * provider, method and outcome ({@code calbridge.provider.calls}), so the adapters stay free of metrics code.
 */
@Component
public class ProviderRegistry {

    private static final Set<String> NOT_CALLS = Set.of("descriptor", "id", "readWebhook", "toString", "hashCode", "equals");

    private final Map<String, CalendarProvider> providers = new LinkedHashMap<>();

    public ProviderRegistry(List<CalendarProvider> adapters, ObjectProvider<MeterRegistry> meters) {
        MeterRegistry registry = meters.getIfAvailable();
        for (CalendarProvider adapter : adapters) {
            CalendarProvider exposed = registry == null ? adapter : metered(adapter, registry);
            if (providers.put(adapter.id(), exposed) != null) {
                throw new IllegalStateException("two adapters for provider " + adapter.id());
            }
        }
    }

    public Optional<CalendarProvider> find(String id) {
        return Optional.ofNullable(providers.get(id));
    }

    public Collection<CalendarProvider> all() {
        return providers.values();
    }

    private static CalendarProvider metered(CalendarProvider adapter, MeterRegistry meters) {
        String provider = adapter.id();
        return (CalendarProvider) Proxy.newProxyInstance(CalendarProvider.class.getClassLoader(), new Class<?>[] {CalendarProvider.class},
                (proxy, method, args) -> {
                    String outcome = "ok";
                    try {
                        return method.invoke(adapter, args);
                    } catch (InvocationTargetException e) {
                        outcome = e.getCause().getClass().getSimpleName();
                        throw e.getCause();
                    } finally {
                        if (!NOT_CALLS.contains(method.getName())) {
                            Counter.builder("calbridge.provider.calls").tag("provider", provider).tag("method", method.getName())
                                    .tag("outcome", outcome).register(meters).increment();
                        }
                    }
                });
    }
}
