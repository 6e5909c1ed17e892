package dev.caravan.admin;

import org.junit.jupiter.api.Tag;

@Tag("postgres")
class PostgresUserstoreAdminApiTest extends UserstoreAdminApiTest {}
