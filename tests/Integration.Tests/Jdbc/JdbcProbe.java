import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Properties;

/**
 * A JDBC client run by the integration tests against the gateway: a fetch-size cursor (portal suspension, as
 * JDBC streams large results) and a server-prepared statement that switches to binary results after its prepare
 * threshold. Prints one line per check: name=value.
 */
public final class JdbcProbe {
    public static void main(String[] args) throws Exception {
        Properties properties = new Properties();
        properties.setProperty("user", "jdbc-client");
        properties.setProperty("password", args[1]);
        properties.setProperty("sslmode", "require");
        properties.setProperty("prepareThreshold", "2");
        try (Connection connection = DriverManager.getConnection(args[0], properties)) {
            connection.setAutoCommit(false);
            int rows = 0;
            int maskedSsn = 0;
            int keptDomain = 0;
            try (Statement statement = connection.createStatement()) {
                statement.setFetchSize(500);
                try (ResultSet result = statement.executeQuery("SELECT id, ssn, email FROM customers ORDER BY id")) {
                    while (result.next()) {
                        rows++;
                        if ("[redacted]".equals(result.getString(2))) {
                            maskedSsn++;
                        }
                        if (result.getString(3).startsWith("****@")) {
                            keptDomain++;
                        }
                    }
                }
            }
            System.out.println("fetched_rows=" + rows);
            System.out.println("masked_ssn=" + maskedSsn);
            System.out.println("kept_domain=" + keptDomain);

            int prepared = 0;
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT id, card_number FROM customers WHERE id = ?")) {
                for (int id = 1; id <= 10; id++) {
                    statement.setInt(1, id);
                    try (ResultSet result = statement.executeQuery()) {
                        if (result.next() && result.getInt(1) == id
                                && result.getString(2).startsWith("************")) {
                            prepared++;
                        }
                    }
                }
            }
            System.out.println("prepared_masked=" + prepared);
            connection.rollback();
        }
    }
}
