package io.calbridge.provider;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** All provider adapters of this instance, by id. */
@Component
public class ProviderRegistry {

    private final Map<String, CalendarProvider> providers = new LinkedHashMap<>();

    public ProviderRegistry(List<CalendarProvider> adapters) {
        for (CalendarProvider adapter : adapters) {
            if (providers.put(adapter.id(), adapter) != null) {
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
}
