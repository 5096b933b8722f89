package io.calbridge.platform.crypto;

/** A feature that stores secrets encrypted with {@link TokenCipher}; it can re-seal them under the primary key. */
public interface SecretsOwner {

    /** Re-encrypts every stored secret not yet under the primary key; returns how many were re-encrypted. */
    int reencryptAll(TokenCipher cipher);
}
