-- One database per service (docker-compose runs this on the first start of its volume).
CREATE DATABASE intake;
CREATE DATABASE workplan;
CREATE DATABASE employer;
CREATE DATABASE notify;
-- The role the services run as: rows yes, schema no (grants come from each service's migrations).
CREATE ROLE rtw_app LOGIN PASSWORD 'rtw_app' NOSUPERUSER NOCREATEDB NOCREATEROLE;
