package dev.caravan.userstore;

/**
 * A login name as typed, {@code user@organization} (split on the <b>last</b> '@'; without '@'
 * the default organization is meant), read once, before anything uses it: both parts
 * normalized by {@link Usernames#normalize} (so the organization part is trimmed too), and the
 * key of the failed-login counter computed from them.
 *
 * @param username     the normalized user part, or null if it was empty or had a refused character
 * @param organization the normalized organization part, or null likewise
 * @param throttleKey  the failed-login counter's key, never null: {@link Usernames#key} of the
 *                     user part and the organization, so every spelling that can reach one
 *                     account counts against that account
 */
public record LoginName(String username, String organization, String throttleKey) {

    public static LoginName parse(String qualified, String defaultOrganization) {
        if (qualified == null) {
            return new LoginName(null, null, "");
        }
        int at = qualified.lastIndexOf('@');
        String user = Usernames.normalize(at < 0 ? qualified : qualified.substring(0, at));
        String organization = at < 0 ? defaultOrganization : Usernames.normalize(qualified.substring(at + 1));
        String key = user == null || organization == null
                // reaches no account: any key will do, as long as it cannot be another name's
                ? "\u0000" + qualified
                : Usernames.key(user) + "@" + organization;
        return new LoginName(user, organization, key);
    }

    /**
     * The failed-login key of a name typed where no organization is implied (the admin API's
     * Basic user: the admin's own name, or a publisher's {@code user@organization}).
     */
    public static String throttleKey(String typed) {
        return parse(typed, "").throttleKey();
    }

    /** Both parts are present and acceptable (nothing says the user exists). */
    public boolean valid() {
        return username != null && organization != null;
    }

    @Override
    public String toString() {
        return "LoginName[" + username + "@" + organization + "]";
    }
}
