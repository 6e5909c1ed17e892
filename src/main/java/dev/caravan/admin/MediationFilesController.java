package dev.caravan.admin;

import dev.caravan.mediation.RouteFileStatus;
import dev.caravan.mediation.UserRouteFiles;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * What became of each user route and mediator file: loaded (with its route and template ids)
 * or refused (with the first line of the error, {@code file:line: message}). Admin only: the
 * files are gateway-wide code.
 */
@RestController
class MediationFilesController {
    private final UserRouteFiles files;

    MediationFilesController(UserRouteFiles files) {
        this.files = files;
    }

    @AdminOnly
    @GetMapping(AdminWebConfiguration.BASE + "/mediation/files")
    List<RouteFileStatus> files() {
        return files.statuses();
    }
}
