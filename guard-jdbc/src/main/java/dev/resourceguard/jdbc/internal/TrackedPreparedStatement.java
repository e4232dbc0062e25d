package dev.resourceguard.jdbc.internal;

import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URL;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLType;
import java.sql.SQLXML;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.Calendar;

/**
 * A tracked {@link PreparedStatement}; see {@link TrackedStatement}.
 *
 * @param <S> the driver's statement type
 */
class TrackedPreparedStatement<S extends PreparedStatement> extends TrackedStatement<S> implements PreparedStatement {

    TrackedPreparedStatement(TrackedConnection connection, S delegate, StatementLease lease) {
        super(connection, delegate, lease);
    }

    // ---- executions

    @Override
    public final ResultSet executeQuery() throws SQLException {
        begin();
        try {
            return delegate.executeQuery();
        } finally {
            end();
        }
    }

    @Override
    public final int executeUpdate() throws SQLException {
        begin();
        try {
            return delegate.executeUpdate();
        } finally {
            end();
        }
    }

    @Override
    public final long executeLargeUpdate() throws SQLException {
        begin();
        try {
            return delegate.executeLargeUpdate();
        } finally {
            end();
        }
    }

    @Override
    public final boolean execute() throws SQLException {
        begin();
        try {
            return delegate.execute();
        } finally {
            end();
        }
    }

    // ---- plain delegation

    @Override
    public final void addBatch() throws SQLException {
        delegate.addBatch();
    }

    @Override
    public final void clearParameters() throws SQLException {
        delegate.clearParameters();
    }

    @Override
    public final ResultSetMetaData getMetaData() throws SQLException {
        return delegate.getMetaData();
    }

    @Override
    public final ParameterMetaData getParameterMetaData() throws SQLException {
        return delegate.getParameterMetaData();
    }

    @Override
    public final void setArray(int parameterIndex, Array x) throws SQLException {
        delegate.setArray(parameterIndex, x);
    }

    @Override
    public final void setAsciiStream(int parameterIndex, InputStream x) throws SQLException {
        delegate.setAsciiStream(parameterIndex, x);
    }

    @Override
    public final void setAsciiStream(int parameterIndex, InputStream x, int length) throws SQLException {
        delegate.setAsciiStream(parameterIndex, x, length);
    }

    @Override
    public final void setAsciiStream(int parameterIndex, InputStream x, long length) throws SQLException {
        delegate.setAsciiStream(parameterIndex, x, length);
    }

    @Override
    public final void setBigDecimal(int parameterIndex, BigDecimal x) throws SQLException {
        delegate.setBigDecimal(parameterIndex, x);
    }

    @Override
    public final void setBinaryStream(int parameterIndex, InputStream x) throws SQLException {
        delegate.setBinaryStream(parameterIndex, x);
    }

    @Override
    public final void setBinaryStream(int parameterIndex, InputStream x, int length) throws SQLException {
        delegate.setBinaryStream(parameterIndex, x, length);
    }

    @Override
    public final void setBinaryStream(int parameterIndex, InputStream x, long length) throws SQLException {
        delegate.setBinaryStream(parameterIndex, x, length);
    }

    @Override
    public final void setBlob(int parameterIndex, InputStream x) throws SQLException {
        delegate.setBlob(parameterIndex, x);
    }

    @Override
    public final void setBlob(int parameterIndex, Blob x) throws SQLException {
        delegate.setBlob(parameterIndex, x);
    }

    @Override
    public final void setBlob(int parameterIndex, InputStream x, long length) throws SQLException {
        delegate.setBlob(parameterIndex, x, length);
    }

    @Override
    public final void setBoolean(int parameterIndex, boolean x) throws SQLException {
        delegate.setBoolean(parameterIndex, x);
    }

    @Override
    public final void setByte(int parameterIndex, byte x) throws SQLException {
        delegate.setByte(parameterIndex, x);
    }

    @Override
    public final void setBytes(int parameterIndex, byte[] x) throws SQLException {
        delegate.setBytes(parameterIndex, x);
    }

    @Override
    public final void setCharacterStream(int parameterIndex, Reader x) throws SQLException {
        delegate.setCharacterStream(parameterIndex, x);
    }

    @Override
    public final void setCharacterStream(int parameterIndex, Reader x, int length) throws SQLException {
        delegate.setCharacterStream(parameterIndex, x, length);
    }

    @Override
    public final void setCharacterStream(int parameterIndex, Reader x, long length) throws SQLException {
        delegate.setCharacterStream(parameterIndex, x, length);
    }

    @Override
    public final void setClob(int parameterIndex, Reader x) throws SQLException {
        delegate.setClob(parameterIndex, x);
    }

    @Override
    public final void setClob(int parameterIndex, Clob x) throws SQLException {
        delegate.setClob(parameterIndex, x);
    }

    @Override
    public final void setClob(int parameterIndex, Reader x, long length) throws SQLException {
        delegate.setClob(parameterIndex, x, length);
    }

    @Override
    public final void setDate(int parameterIndex, Date x) throws SQLException {
        delegate.setDate(parameterIndex, x);
    }

    @Override
    public final void setDate(int parameterIndex, Date x, Calendar cal) throws SQLException {
        delegate.setDate(parameterIndex, x, cal);
    }

    @Override
    public final void setDouble(int parameterIndex, double x) throws SQLException {
        delegate.setDouble(parameterIndex, x);
    }

    @Override
    public final void setFloat(int parameterIndex, float x) throws SQLException {
        delegate.setFloat(parameterIndex, x);
    }

    @Override
    public final void setInt(int parameterIndex, int x) throws SQLException {
        delegate.setInt(parameterIndex, x);
    }

    @Override
    public final void setLong(int parameterIndex, long x) throws SQLException {
        delegate.setLong(parameterIndex, x);
    }

    @Override
    public final void setNCharacterStream(int parameterIndex, Reader x) throws SQLException {
        delegate.setNCharacterStream(parameterIndex, x);
    }

    @Override
    public final void setNCharacterStream(int parameterIndex, Reader x, long length) throws SQLException {
        delegate.setNCharacterStream(parameterIndex, x, length);
    }

    @Override
    public final void setNClob(int parameterIndex, Reader x) throws SQLException {
        delegate.setNClob(parameterIndex, x);
    }

    @Override
    public final void setNClob(int parameterIndex, NClob x) throws SQLException {
        delegate.setNClob(parameterIndex, x);
    }

    @Override
    public final void setNClob(int parameterIndex, Reader x, long length) throws SQLException {
        delegate.setNClob(parameterIndex, x, length);
    }

    @Override
    public final void setNString(int parameterIndex, String x) throws SQLException {
        delegate.setNString(parameterIndex, x);
    }

    @Override
    public final void setNull(int parameterIndex, int sqlType) throws SQLException {
        delegate.setNull(parameterIndex, sqlType);
    }

    @Override
    public final void setNull(int parameterIndex, int sqlType, String typeName) throws SQLException {
        delegate.setNull(parameterIndex, sqlType, typeName);
    }

    @Override
    public final void setObject(int parameterIndex, Object x) throws SQLException {
        delegate.setObject(parameterIndex, x);
    }

    @Override
    public final void setObject(int parameterIndex, Object x, int targetSqlType) throws SQLException {
        delegate.setObject(parameterIndex, x, targetSqlType);
    }

    @Override
    public final void setObject(int parameterIndex, Object x, SQLType targetSqlType) throws SQLException {
        delegate.setObject(parameterIndex, x, targetSqlType);
    }

    @Override
    public final void setObject(int parameterIndex, Object x, int targetSqlType, int scaleOrLength)
            throws SQLException {
        delegate.setObject(parameterIndex, x, targetSqlType, scaleOrLength);
    }

    @Override
    public final void setObject(int parameterIndex, Object x, SQLType targetSqlType, int scaleOrLength)
            throws SQLException {
        delegate.setObject(parameterIndex, x, targetSqlType, scaleOrLength);
    }

    @Override
    public final void setRef(int parameterIndex, Ref x) throws SQLException {
        delegate.setRef(parameterIndex, x);
    }

    @Override
    public final void setRowId(int parameterIndex, RowId x) throws SQLException {
        delegate.setRowId(parameterIndex, x);
    }

    @Override
    public final void setSQLXML(int parameterIndex, SQLXML x) throws SQLException {
        delegate.setSQLXML(parameterIndex, x);
    }

    @Override
    public final void setShort(int parameterIndex, short x) throws SQLException {
        delegate.setShort(parameterIndex, x);
    }

    @Override
    public final void setString(int parameterIndex, String x) throws SQLException {
        delegate.setString(parameterIndex, x);
    }

    @Override
    public final void setTime(int parameterIndex, Time x) throws SQLException {
        delegate.setTime(parameterIndex, x);
    }

    @Override
    public final void setTime(int parameterIndex, Time x, Calendar cal) throws SQLException {
        delegate.setTime(parameterIndex, x, cal);
    }

    @Override
    public final void setTimestamp(int parameterIndex, Timestamp x) throws SQLException {
        delegate.setTimestamp(parameterIndex, x);
    }

    @Override
    public final void setTimestamp(int parameterIndex, Timestamp x, Calendar cal) throws SQLException {
        delegate.setTimestamp(parameterIndex, x, cal);
    }

    @Override
    public final void setURL(int parameterIndex, URL x) throws SQLException {
        delegate.setURL(parameterIndex, x);
    }

    @Override
    @Deprecated
    public final void setUnicodeStream(int parameterIndex, InputStream x, int length) throws SQLException {
        delegate.setUnicodeStream(parameterIndex, x, length);
    }
}
