import {
  AuditOutlined,
  DashboardOutlined,
  FilterOutlined,
  LogoutOutlined,
  NotificationOutlined,
  PhoneOutlined,
  ScheduleOutlined,
  SettingOutlined,
  TeamOutlined,
  UserOutlined,
  UserSwitchOutlined,
} from '@ant-design/icons';
import { Button, Layout, Menu, Space, Tag, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useLocation, useNavigate } from 'react-router-dom';
import { ROLE_LABELS } from '../format';
import { canOpen, useSession, type PageKey } from '../session';

const ITEMS: { key: PageKey; label: string; icon: ReactNode }[] = [
  { key: 'dashboard', label: '经营看板', icon: <DashboardOutlined /> },
  { key: 'members', label: '会员', icon: <UserOutlined /> },
  { key: 'segments', label: '人群圈选', icon: <FilterOutlined /> },
  { key: 'campaigns', label: '营销活动', icon: <NotificationOutlined /> },
  { key: 'rules', label: '规则配置', icon: <SettingOutlined /> },
  { key: 'contacts', label: '分层名单', icon: <PhoneOutlined /> },
  { key: 'followups', label: '跟进任务', icon: <ScheduleOutlined /> },
  { key: 'reps', label: '顾问分配', icon: <UserSwitchOutlined /> },
  { key: 'staff', label: '员工管理', icon: <TeamOutlined /> },
  { key: 'audit', label: '审计日志', icon: <AuditOutlined /> },
];

export function ConsoleLayout({ children }: { children: ReactNode }) {
  const { staff, signOut } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const selected = location.pathname.split('/')[1] ?? '';
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider width={200} theme="light" style={{ borderRight: '1px solid #f0f0f0' }}>
        <div style={{ padding: '18px 20px', fontWeight: 600, fontSize: 16 }}>会员运营控制台</div>
        <Menu
          mode="inline"
          selectedKeys={[selected]}
          items={ITEMS.filter((item) => canOpen(staff.role, item.key)).map((item) => ({
            key: item.key,
            icon: item.icon,
            label: item.label,
          }))}
          onClick={({ key }) => navigate(`/${key}`)}
        />
      </Layout.Sider>
      <Layout>
        <Layout.Header
          style={{
            background: '#fff',
            borderBottom: '1px solid #f0f0f0',
            display: 'flex',
            justifyContent: 'flex-end',
            paddingInline: 24,
          }}
        >
          <Space>
            <Typography.Text data-testid="current-staff">{staff.displayName}</Typography.Text>
            <Tag color="orange">{ROLE_LABELS[staff.role]}</Tag>
            <Button icon={<LogoutOutlined />} onClick={signOut}>
              退出
            </Button>
          </Space>
        </Layout.Header>
        <Layout.Content style={{ padding: 24 }}>{children}</Layout.Content>
      </Layout>
    </Layout>
  );
}
