package io.calbridge.availability;

import io.calbridge.platform.security.CurrentUser;
import io.calbridge.platform.web.ApiProblem;
import java.util.List;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Whose time a request is about. Without userIds: the caller (a service names the user in X-User-Id). A service
 * (API key) or an admin may name anyone; an end user only themselves, as everywhere else in the API.
 */
@Component
public class UserScope {

    private final CurrentUser currentUser;

    UserScope(CurrentUser currentUser) {
        this.currentUser = currentUser;
    }

    /** The checked user ids (1-20, distinct), or the caller alone when {@code requested} is null. */
    public List<String> of(List<String> requested) {
        List<String> userIds = RequestRules.userIds(requested);
        if (userIds == null) {
            return List.of(currentUser.id());
        }
        if (!currentUser.mayActForOthers()) {
            Optional<String> self = currentUser.idIfNamed();
            if (userIds.stream().anyMatch(id -> !Optional.of(id).equals(self))) {
                throw new ApiProblem(HttpStatus.FORBIDDEN, "forbidden_user_ids",
                        "only services and admins may ask about other users; leave userIds out to ask about yourself");
            }
        }
        return userIds;
    }
}
