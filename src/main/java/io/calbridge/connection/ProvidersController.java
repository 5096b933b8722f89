package io.calbridge.connection;

import io.calbridge.provider.Capability;
import io.calbridge.provider.ProviderDescriptor;
import io.calbridge.provider.ProviderRegistry;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "providers")
class ProvidersController {

    private final ProviderRegistry providers;

    ProvidersController(ProviderRegistry providers) {
        this.providers = providers;
    }

    record ProviderView(String id, String name, boolean configured, boolean sandbox, Set<Capability> capabilities) {
    }

    @GetMapping("/api/v1/providers")
    @Operation(summary = "The calendar providers this calbridge can connect, and what each can do")
    @ApiResponse(responseCode = "200", description = "The providers")
    List<ProviderView> providers() {
        return providers.all().stream().map(p -> {
            ProviderDescriptor d = p.descriptor();
            return new ProviderView(d.id(), d.displayName(), d.configured(), d.sandbox(), new TreeSet<>(d.capabilities()));
        }).toList();
    }
}
