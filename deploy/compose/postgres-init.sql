-- One database per module process (deploy/compose.yaml), on the one PostgreSQL server of the compose.
CREATE DATABASE microposts_accounts;
CREATE DATABASE microposts_posts;
CREATE DATABASE microposts_social;
CREATE DATABASE microposts_timeline;
