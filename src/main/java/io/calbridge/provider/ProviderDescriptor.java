package io.calbridge.provider;

import java.util.Optional;
import java.util.Set;

/**
 * A provider as the registry shows it.
 *
 * @param id         path segment and stored name: {@code google}, {@code microsoft}, {@code calendly}
 * @param oauth      the OAuth client; empty when the provider is not configured
 * @param sandbox    whether it points at calbridge's built-in emulator rather than the real provider
 */
public record ProviderDescriptor(String id, String displayName, Set<Capability> capabilities,
        Optional<OAuthClient> oauth, boolean sandbox) {

    public ProviderDescriptor {
        capabilities = Set.copyOf(capabilities);
    }

    public boolean configured() {
        return oauth.isPresent();
    }

    public boolean can(Capability capability) {
        return capabilities.contains(capability);
    }
}
