package dev.caravan.admin;

import dev.caravan.registry.ApiDefinition;
import dev.caravan.registry.ApiRepository;
import dev.caravan.registry.Application;
import dev.caravan.registry.ApplicationRepository;
import dev.caravan.registry.Organization;
import dev.caravan.registry.OrganizationRepository;
import dev.caravan.userstore.PrimaryUser;
import dev.caravan.userstore.PrimaryUserRepository;
import java.net.URI;
import org.springframework.stereotype.Component;
import org.springframework.web.util.UriComponentsBuilder;

/** Resources named in the URL: found, or a 404. Shared by the admin controllers. */
@Component
class AdminLookups {
    private final OrganizationRepository organizations;
    private final PrimaryUserRepository users;
    private final ApplicationRepository applications;
    private final ApiRepository apis;

    AdminLookups(OrganizationRepository organizations, PrimaryUserRepository users,
                 ApplicationRepository applications, ApiRepository apis) {
        this.organizations = organizations;
        this.users = users;
        this.applications = applications;
        this.apis = apis;
    }

    Organization organization(String name) {
        return organizations.findByName(name)
                .orElseThrow(() -> AdminError.notFound("no organization named '" + name + "'"));
    }

    PrimaryUser user(Organization org, String username) {
        return users.find(org.id(), username)
                .orElseThrow(() -> AdminError.notFound("no user '" + username + "' in organization '" + org.name() + "'"));
    }

    Application application(Organization org, String name) {
        return applications.findByName(org.id(), name)
                .orElseThrow(() -> AdminError.notFound("no application '" + name + "' in organization '"
                        + org.name() + "'"));
    }

    ApiDefinition api(Organization org, String id) {
        return apis.findById(id)
                .filter(api -> api.organizationId().equals(org.id()))
                .orElseThrow(() -> AdminError.notFound("no API with id '" + id + "' in organization '"
                        + org.name() + "'"));
    }

    /** A relative Location for a new resource, each segment percent-encoded. */
    static URI location(String... segments) {
        return UriComponentsBuilder.fromPath(AdminWebConfiguration.BASE).pathSegment(segments).build().encode().toUri();
    }
}
