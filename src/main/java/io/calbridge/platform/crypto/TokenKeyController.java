package io.calbridge.platform.crypto;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Key rotation: after putting a new key first in CALBRIDGE_TOKEN_KEYS and restarting, re-seal everything under it. */
@RestController
@RequestMapping("/api/v1/admin/token-keys")
@Tag(name = "admin")
class TokenKeyController {

    private static final Logger log = LoggerFactory.getLogger(TokenKeyController.class);

    private final TokenCipher cipher;
    private final List<SecretsOwner> owners;

    TokenKeyController(TokenCipher cipher, List<SecretsOwner> owners) {
        this.cipher = cipher;
        this.owners = owners;
    }

    @PostMapping("/reencrypt")
    @Operation(summary = "Re-encrypt every stored secret under the first key of CALBRIDGE_TOKEN_KEYS")
    @ApiResponse(responseCode = "200", description = "{keyId, reencrypted}: the key now sealing every secret, and how many were "
            + "re-sealed")
    Map<String, Object> reencrypt() {
        int count = owners.stream().mapToInt(owner -> owner.reencryptAll(cipher)).sum();
        log.info("re-encrypted {} secrets under key {}", count, cipher.primaryKeyId());
        return Map.of("keyId", cipher.primaryKeyId(), "reencrypted", count);
    }
}
